import QtQuick
import "../components"

Item {
    Column {
        anchors.fill: parent
        spacing: Theme.spacing * 2
        ScreenTitle { text: qsTr("What would you like to do?") }
        Rectangle {  // the back office's notice for this terminal (kiosk/sync/live.py)
            visible: session.notice !== ""
            width: parent.width
            height: noticeText.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.primary
            border.width: Theme.borderWidth
            KText {
                id: noticeText
                objectName: "homeNotice"
                anchors { fill: parent; margins: Theme.spacing }
                text: session.notice
            }
        }
        Grid {
            width: parent.width
            columns: Theme.portrait ? 1 : 2
            spacing: Theme.spacing
            Tile {
                objectName: "homeApply"
                width: (parent.width - (parent.columns - 1) * parent.spacing) / parent.columns
                title: qsTr("Apply for a service")
                subtitle: qsTr("Business, social insurance, health, family and more")
                onTapped: session.chooseApply()
            }
            Tile {
                objectName: "homeStatus"
                width: (parent.width - (parent.columns - 1) * parent.spacing) / parent.columns
                title: qsTr("Check progress")
                subtitle: qsTr("With the tracking number or the QR code on your receipt")
                onTapped: session.chooseStatusCheck()
            }
            Tile {
                objectName: "homePickup"
                width: (parent.width - (parent.columns - 1) * parent.spacing) / parent.columns
                title: qsTr("Collect a result")
                subtitle: qsTr("Print a licence or certificate that is ready")
                onTapped: session.chooseResultPickup()
            }
            Tile {
                objectName: "homePolicies"
                width: (parent.width - (parent.columns - 1) * parent.spacing) / parent.columns
                title: qsTr("Business-support policies")
                subtitle: qsTr("Find the policies your company qualifies for")
                onTapped: session.choosePolicyLookup()
            }
        }
    }
}
