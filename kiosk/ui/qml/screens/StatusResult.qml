import QtQuick
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Progress") }
        KText { width: parent.width; color: Theme.muted; text: qsTr("Tracking number") }
        KText { objectName: "statusTracking"; width: parent.width; font.bold: true; text: session.statusResult.trackingNo || "" }
        KText { width: parent.width; text: session.statusResult.item || "" }
        KText {
            objectName: "statusText"
            width: parent.width
            font.pixelSize: Theme.fontTitle
            color: Theme.primary
            text: session.statusResult.status || ""
        }
        KText {
            width: parent.width
            color: Theme.muted
            text: qsTr("Last known status on this terminal, updated %1").arg(session.statusResult.updated || "")
        }
    }
}
